"""HTTP routes (powertools routers) and the resolver every API function builds from them."""
