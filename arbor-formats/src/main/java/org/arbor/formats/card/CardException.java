package org.arbor.formats.card;

/** A card whose front matter cannot be read; the message says why, for the person who wrote it. */
public final class CardException extends Exception {
  public CardException(String message) {
    super(message);
  }
}
