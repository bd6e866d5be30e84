package org.arbor.service;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.arbor.formats.card.CardException;
import org.arbor.formats.card.ModelCardReader;

/** Checks a README before it is committed ({@code POST /api/validate-yaml}). */
public final class CardValidation {
  private CardValidation() {}

  /** The problems with a card's front matter; empty if it reads. */
  public static List<String> errors(String readme) {
    try {
      ModelCardReader.read(readme.getBytes(StandardCharsets.UTF_8));
      return List.of();
    } catch (CardException e) {
      return List.of(e.getMessage());
    }
  }
}
