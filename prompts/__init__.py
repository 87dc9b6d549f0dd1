"""Prompts shipped as package data."""
