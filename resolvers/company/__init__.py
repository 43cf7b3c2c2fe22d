"""Company accounts: registration, access requests and contact data (registration); customer
number, address change and helpdesk requests (requests)."""
