"""Programme staff's review of shop applications, inside Oscar's dashboard (/dashboard/shops/)."""
