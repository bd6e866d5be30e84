package org.arbor.search;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.BytesRef;

/**
 * The keyset cursor of a listing: the sort values and the id of the last repository on a page.
 * The next page starts strictly after that position, so repositories added or removed elsewhere
 * in the order never shift a page (unlike an offset). Opaque to clients, checked when read back.
 */
final class PageCursor {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private PageCursor() {}

  static String encode(SearchRequest.Sort sort, ScoreDoc last) {
    Object[] fields = ((FieldDoc) last).fields;
    StringBuilder s = new StringBuilder(sort.wire());
    for (Object field : fields) {
      s.append('\n');
      switch (field) {
        case Float f -> s.append('f').append(Float.floatToIntBits(f));
        case Long l -> s.append('l').append(l);
        case BytesRef b -> s.append('s').append(b.utf8ToString());
        default -> throw new IllegalStateException("unexpected sort value " + field);
      }
    }
    return ENCODER.encodeToString(s.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The position a cursor names, for a listing in {@code sort} order whose sort values have the
   * {@code kinds} given ({@code f} score, {@code l} long, {@code s} string), one letter each.
   *
   * @throws IllegalArgumentException when the cursor is malformed or from another order
   */
  static FieldDoc decode(String cursor, SearchRequest.Sort sort, String kinds) {
    int fieldCount = kinds.length();
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("The cursor is not one this hub issued");
    }
    String[] parts = text.split("\n", -1);
    if (parts.length != fieldCount + 1 || !parts[0].equals(sort.wire())) {
      throw new IllegalArgumentException("The cursor belongs to another listing order");
    }
    Object[] fields = new Object[fieldCount];
    try {
      for (int i = 0; i < fieldCount; i++) {
        String part = parts[i + 1];
        if (part.isEmpty() || part.charAt(0) != kinds.charAt(i)) {
          throw new IllegalArgumentException("The cursor is not one this hub issued");
        }
        String value = part.substring(1);
        fields[i] = switch (part.charAt(0)) {
          case 'f' -> Float.intBitsToFloat(Integer.parseInt(value));
          case 'l' -> Long.parseLong(value);
          case 's' -> new BytesRef(value);
          default -> throw new IllegalArgumentException("The cursor is not one this hub issued");
        };
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("The cursor is not one this hub issued");
    }
    // Ties on every sort value are impossible (the id is unique), so the doc id only has to
    // place the cursor after the repository it names.
    return new FieldDoc(Integer.MAX_VALUE, Float.NaN, fields);
  }
}
