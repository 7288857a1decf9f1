"""Freeze and information request letters to exchanges and token issuers, from case facts."""

from tools.letters.compose import LetterContent, Line, compose
from tools.letters.facts import LetterError, gather
from tools.letters.models import LetterFacts, LetterRequest

__all__ = ["LetterContent", "LetterError", "LetterFacts", "LetterRequest", "Line", "compose",
           "gather"]
