"""Message moderation: normalize, rules, ONNX model, conversation context, policy.

The package imports nothing else of ours; it loads its model from a folder of artifacts.
"""

from pipeline.runner import ModerationRunner, PipelineError, PipelineOverloaded, RunnerConfig
from pipeline.stages.context import ContextEntry, ContextStore, InMemoryContextStore
from pipeline.stages.model import PROVIDER_CHOICES
from pipeline.verdict import Action, Audience, Intervention, Verdict

__all__ = [
    "PROVIDER_CHOICES",
    "Action",
    "Audience",
    "ContextEntry",
    "ContextStore",
    "InMemoryContextStore",
    "Intervention",
    "ModerationRunner",
    "PipelineError",
    "PipelineOverloaded",
    "RunnerConfig",
    "Verdict",
]
