"""The catalogue: products and categories (products), customer prices (pricing), loaders, the import."""
