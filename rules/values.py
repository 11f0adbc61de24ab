"""TYP: value types, null versus empty, list shapes."""

from __future__ import annotations
