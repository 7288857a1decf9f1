"""Live expansion: fetching an address's transfers from TronGrid, Esplora or Etherscan."""
