"""What a team could throw together instead of Signpost's pipeline, scored on the same split.

- TF-IDF + logistic regression, trained on the same training examples.
- Keyword search over the guide: each area's own content (summary, problem, solution,
  actions, challenges) as a TF-IDF document; a message goes to the most similar area.
"""

from collections.abc import Mapping

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics.pairwise import cosine_similarity
from sklearn.pipeline import make_pipeline

from bot.content.bundle import ContentBundle


class TfidfLogisticPeer:
    """Word and bigram TF-IDF with a linear classifier: the usual quick baseline."""

    name = "TF-IDF + logistic regression"

    def __init__(self, examples: list[tuple[str, str]], seed: int = 42) -> None:
        texts, labels = zip(*examples, strict=True)
        self.model = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1),
            LogisticRegression(max_iter=2000, C=10, random_state=seed),
        )
        self.model.fit(texts, labels)

    def predict(self, texts: list[str]) -> list[str]:
        return list(self.model.predict(texts))


class GuideKeywordPeer:
    """Keyword search over the guide's content: no training data at all."""

    name = "keyword search over the guide"

    def __init__(self, bundle: ContentBundle, area_slugs: Mapping[str, str]) -> None:
        """`area_slugs`: barrier intent to area slug, as in bot.domain.area_slugs."""
        intent_of = {slug: intent for intent, slug in area_slugs.items()}
        self.intents = [intent_of[area.slug] for area in bundle.areas]
        documents = [
            " ".join(
                [area.title, area.summary, area.problem.text, area.solution.text]
                + [a.text for a in area.suggested_actions]
                + [f"{c.text} {c.response}" for c in area.challenges]
            )
            for area in bundle.areas
        ]
        self.vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
        self.area_vectors = self.vectorizer.fit_transform(documents)

    def predict(self, texts: list[str]) -> list[str]:
        similarity = cosine_similarity(self.vectorizer.transform(texts), self.area_vectors)
        return [self.intents[row.argmax()] for row in similarity]
