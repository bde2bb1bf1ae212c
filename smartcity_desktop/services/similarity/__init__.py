"""Records about the same thing across villages, from one deterministic engine
(``domain.similarity``):

- ``similar``: Data serupa, candidates to merge (a *digabung* review through ``services.review``);
- ``issues``: Isu strategis, recurring problems with their figures;
- ``kept_model``: the clusters kept while the problems and decisions are unchanged;
- ``decisions``: staff merging and splitting isu strategis clusters, stored as owned rows;
- ``records``: the records of an area with their key words (kept per record revision).
"""

from smartcity_desktop.services.similarity.decisions import (
    merge_issues,
    split_issue,
    withdraw_issue_decision,
)
from smartcity_desktop.services.similarity.issues import (
    DecisionView,
    IssueCluster,
    IssueModel,
    IssueResult,
    issue_model,
)
from smartcity_desktop.services.similarity.kept_model import (
    forget_models,
    kept_model,
)
from smartcity_desktop.services.similarity.kept_model import (
    kept_clusters as issue_clusters,
)
from smartcity_desktop.services.similarity.records import (
    AreaFilter,
    SimilarityRefused,
    forget_words,
)
from smartcity_desktop.services.similarity.similar import (
    Member,
    SimilarGroup,
    merge_group,
    similar_groups,
)

__all__ = [
    "AreaFilter",
    "DecisionView",
    "IssueCluster",
    "IssueModel",
    "IssueResult",
    "Member",
    "SimilarGroup",
    "SimilarityRefused",
    "forget_models",
    "forget_words",
    "issue_clusters",
    "issue_model",
    "kept_model",
    "merge_group",
    "merge_issues",
    "similar_groups",
    "split_issue",
    "withdraw_issue_decision",
]
