"""Derived figures are stored, not recomputed per request.

A write in a lower app (an asset classified, a link added, a catalogue changed, a benefit
model saved, an import) calls ``figures_changed`` inside its transaction; the apps above
(``portfolio``) listen to ``figures_changed_signal`` and bring their stored figures in step
in the same transaction. The lower app never imports the higher one, and a reader never
recomputes what a writer already stored.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.dispatch import Signal

from klassa_app.models import Organisation

# Sent with organisation=…, asset_ids=frozenset, initiative_ids=frozenset, everything=bool.
figures_changed_signal = Signal()


def figures_changed(
    organisation: Organisation,
    *,
    asset_ids: Iterable[int] = (),
    initiative_ids: Iterable[int] = (),
    everything: bool = False,
) -> None:
    """Tell the listeners that what the given assets or initiatives derive from changed
    (``everything``: something all initiatives of the organisation depend on, such as the
    classification scheme or the requirement catalogue). Call it inside the transaction."""
    assets, initiatives = frozenset(asset_ids), frozenset(initiative_ids)
    if not (assets or initiatives or everything):
        return
    figures_changed_signal.send(
        sender=Organisation,
        organisation=organisation,
        asset_ids=assets,
        initiative_ids=initiatives,
        everything=everything,
    )
