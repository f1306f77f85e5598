from django import template

from ..search.criteria import CHOICE_CRITERIA

register = template.Library()


@register.simple_tag
def choice_facts(posting) -> list[tuple[str, str]]:
    """(heading, values) of the choice criteria a posting page shows from the search registry (those with a
    `fact`): "Languages", "Spanish, French"; none where the posting has no value."""
    facts = []
    for criterion in CHOICE_CRITERIA:
        if criterion.fact and (labels := criterion.labels(posting)):
            facts.append((criterion.fact, ", ".join(labels)))
    return facts
