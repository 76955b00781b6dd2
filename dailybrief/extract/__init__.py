"""Stage 2, extract: a fetched page (bytes, URL, media type) in, an `Article` out.

Decodes the bytes, finds the body text, title, publication date, publisher and the
来源：origin; raises `NotExtractable` for a page that holds no article.
"""
