"""voxshop's JSON objects of one stream, read as a consumer reads them (no third-party
packages, so that its tests run anywhere)."""


def amended(objects):
    """A stream's objects as they stand at its end: an object whose utterance a later
    continuation replaced (its `amends` names the utterance's span) is dropped."""
    gone = {(o["amends"]["start_ms"], o["amends"]["end_ms"]) for o in objects if "amends" in o}
    return [o for o in objects if (o.get("start_ms"), o.get("end_ms")) not in gone]
