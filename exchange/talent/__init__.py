"""The talent pool: employer accounts, members who chose to be found, and what employers see of them."""
