"""Compare knowledge/sentence_encoder.py with the PyTorch reference (sentence-transformers), where both are
installed (not in the project's venvs: run it in a scratch venv with torch, sentence-transformers and the model
package). Prints the tokenizer's agreement and the cosine between the two embeddings of each text.

    PYTHONPATH=. python scripts/check_sentence_encoder.py
"""

from __future__ import annotations

import numpy as np
from sentence_transformers import SentenceTransformer
from transformers import AutoTokenizer

from knowledge.sentence_encoder import load_encoder, model_dir

TEXTS = [
    "can my baby have eggs?",
    "Is it OK to give egg to an infant with eczema?",
    "My 7 month old's cheeks are red and weepy — should I moisturise every day?",
    "Café crème, naïve résumé: does Lacticaseibacillus rhamnosus GG help atopic dermatitis?",
    "what's the difference between prebiotics, probiotics, synbiotics and postbiotics??",
    "im 15 not a baby lol",
    "x" * 150,
]


def main() -> None:
    ours = load_encoder()
    reference = SentenceTransformer(str(model_dir()), device="cpu")
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir()))
    for text in TEXTS:
        same = ours.tokenizer.encode(text, 512) == tokenizer(text)["input_ids"]
        print(f"tokens equal: {same}  {text[:60]!r}")
    a = ours.encode(TEXTS)
    b = reference.encode(TEXTS, normalize_embeddings=True)
    print("cosine with the reference:", np.round((a * b).sum(1), 5))


if __name__ == "__main__":
    main()
