"""Programme staff verify, reject and revoke OCOP certificates (/dashboard/ocop/)."""
