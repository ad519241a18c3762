// Replaced by the load generator sources.
