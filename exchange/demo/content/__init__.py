"""The raw material of the demo network, by what it is about.

Plain data, so the loaders stay about *how* rows are made and these modules about *what*.
"""
