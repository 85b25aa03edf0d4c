"""Priority of orders: which class of a producer's backlog an order joins (docs/ODD.md §3, step 4).

The scenario's ``policies.allocation`` lists priority classes in serving order. At a given
producer only the classes whose ``firms_in`` name the producer's nation apply; an order joins
the first applicable class whose ``members`` name its buyer, else the last queue (orders in no
class). The default is DPAS: US-government orders at US firms first (P88). The look-ups are
computed once per (producer nation, buyer) and cached, so accepting an order costs a dict hit.

A component order carries the rating of the most urgent order its line holds (DPAS flow-down).
A *licensed* line's component orders at firms in its licensor's nation carry, up to its licensed
rate, the class of the licensor government's own orders there (``policies.allocation.
licensed_lines: licensor_class``): the licence comes with a rated share of the licensor's
suppliers, which its government asks for (P88), so a line licensed to make a US design is not
starved by the rated orders of the licensor's own line (``model/licence_share.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .producer import Producer
    from .schema_structure import Allocation
    from .world import World


class PriorityRules:
    """The allocation policy of a run, resolved against the world's memberships.

    Args:
        spec: the scenario's ``policies.allocation``.
        world: memberships (ISO3 codes and group tokens).
    """

    def __init__(self, spec: "Allocation", world: "World"):
        self.classes = spec.classes
        self.licensor_rated = spec.licensed_lines == "licensor_class"
        self.world = world
        #: Number of queues a producer keeps: one per class plus one for orders in no class.
        self.queues = len(self.classes) + 1
        self.unrated = len(self.classes)
        self._applies: dict[str, tuple[bool, ...]] = {}
        self._class: dict[tuple[str, str], int] = {}

    def applies_at(self, firm_iso: str) -> tuple[bool, ...]:
        """For each class, whether firms in ``firm_iso`` serve it first."""
        out = self._applies.get(firm_iso)
        if out is None:
            out = tuple(self.world.member(firm_iso, c.firms_in) for c in self.classes)
            self._applies[firm_iso] = out
        return out

    def class_of(self, buyer_iso: str, firm_iso: str) -> int:
        """Queue index of an order by ``buyer_iso`` at a firm in ``firm_iso``."""
        key = (buyer_iso, firm_iso)
        out = self._class.get(key)
        if out is None:
            applies = self.applies_at(firm_iso)
            out = next((i for i, c in enumerate(self.classes)
                        if applies[i] and self.world.member(buyer_iso, c.members)), self.unrated)
            self._class[key] = out
        return out

    def flow_down(self, rating: int | None, firm_iso: str) -> int:
        """Queue index at a supplier in ``firm_iso`` of a component order carrying ``rating``
        (the class of the most urgent order the ordering line holds; None = unrated).
        """
        if rating is None or not self.applies_at(firm_iso)[rating]:
            return self.unrated
        return rating

    def component_class(self, line: "Producer", firm_iso: str, licensed: bool) -> int:
        """Queue index at a supplier in ``firm_iso`` of a component order placed by ``line``:
        the flowed-down rating of its own orders, or for the part of a licensed line's order
        within its licensed share (``licensed``, ``model/licence_share.py``) the class of its
        licensor government's orders there if that comes first.
        """
        own = self.flow_down(line.rating(), firm_iso)
        if not licensed:
            return own
        licensor_iso = line.model.producers[line.licensor].nation.iso
        return min(own, self.class_of(licensor_iso, firm_iso))
