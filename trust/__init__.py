"""Trust: what makes generated content honest and traceable, in plain Python with no Django.

Grounding against catalog facts, advertising compliance, findings, AI-content labels,
the invisible watermark, Content Credentials and review marks. Apps import it; it imports
no app (only ``locales``).
"""
