"""Writers: recommendations, portfolios, products and rule sets as text, Markdown and CSV.

Writers only read the domain model and rule sets; they never evaluate rules.
"""
