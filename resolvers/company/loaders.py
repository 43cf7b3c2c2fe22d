"""The company accounts' DataLoaders (one per request: `company_by_id(ctx)`)."""

from __future__ import annotations

from models import Company, CustomerNumber
from resolvers.core.loaders import by_key, many_by

company_by_id = by_key(Company)
customer_number_by_id = by_key(CustomerNumber)
customer_numbers_by_company_id = many_by(CustomerNumber, "company_id", order_by=("number",))
