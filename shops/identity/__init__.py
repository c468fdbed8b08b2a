"""Seller identity: the shop's legal representative, its verification (programme staff
checking documents, or an e-identification provider such as VNeID once connected), the
deadline the law sets and the reminders before it. docs/decisions/0033-seller-identity.md.

- services.py: save the representative (a change of identity voids a verification), verify it;
- selectors.py: the deadline, a shop's identity status, the shops staff must look at;
- providers.py: the seam for VNeID (no provider is connected yet);
- reminders.py: the daily reminders (`manage.py identity_reminders`).
"""
