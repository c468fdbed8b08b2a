"""Seller workspace: reviews of the shop's products and the shop's one reply to each."""
