"""Default content for Klassa: the classification scheme, the question bank and the requirements.

Everything here is plain Python data without Django imports, so that it can be read, reviewed and
tested on its own. Every human text is a dict with Swedish (``"sv"``, primary) and English
(``"en"``). The wording is Klassa's own; it follows the general KLASSA model of classifying
information by confidentiality, integrity, availability and traceability but does not reproduce
any other tool's text. Organisations copy these defaults when they are set up and may change them.
"""
