package org.arbor.service;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.arbor.core.RepoType;
import org.arbor.formats.card.CardException;
import org.arbor.formats.card.CardValidator;
import org.arbor.formats.card.ModelCardReader;

/** Checks a README before it is committed ({@code POST /api/validate-yaml}). */
public final class CardValidation {
  private CardValidation() {}

  /** The problems with a card's front matter, each naming its key; empty if it is valid. */
  public static List<String> errors(String readme, RepoType type) {
    try {
      return CardValidator.problems(ModelCardReader.read(readme.getBytes(StandardCharsets.UTF_8)).metadata(),
          type == RepoType.DATASET);
    } catch (CardException e) {
      return List.of(e.getMessage());
    }
  }
}
