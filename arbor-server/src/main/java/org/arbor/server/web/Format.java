package org.arbor.server.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Numbers, sizes and dates as pages show them: {@code 1.2k}, {@code 3.4 GB}, {@code 7.2B}, {@code 3 days ago}. */
public final class Format {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH)
      .withZone(ZoneOffset.UTC);

  private Format() {}

  /** A repository path or revision for a URL: each segment percent-encoded, the slashes kept. */
  public static String url(String path) {
    StringBuilder out = new StringBuilder(path.length() + 8);
    String[] segments = path.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        out.append('/');
      }
      out.append(java.net.URLEncoder.encode(segments[i], java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return out.toString();
  }

  public static String count(long n) {
    if (n < 1000) {
      return Long.toString(n);
    }
    return scaled(n, 1000, new String[] {"k", "M", "B", "T"});
  }

  public static String bytes(long n) {
    if (n < 0) {
      return "";
    }
    if (n < 1000) {
      return n + " B";
    }
    return scaled(n, 1000, new String[] {" kB", " MB", " GB", " TB", " PB"});
  }

  public static String parameters(long n) {
    return n < 0 ? "unknown" : n < 1000 ? n + " params" : scaled(n, 1000, new String[] {"K", "M", "B", "T"}) + " params";
  }

  public static String ago(Instant at, Instant now) {
    if (at == null) {
      return "";
    }
    Duration d = Duration.between(at, now);
    if (d.isNegative() || d.toMinutes() < 1) {
      return "just now";
    } else if (d.toHours() < 1) {
      return plural(d.toMinutes(), "minute") + " ago";
    } else if (d.toDays() < 1) {
      return plural(d.toHours(), "hour") + " ago";
    } else if (d.toDays() < 31) {
      return plural(d.toDays(), "day") + " ago";
    }
    return DAY.format(at);
  }

  public static String iso(Instant at) {
    return at == null ? "" : DateTimeFormatter.ISO_INSTANT.format(at);
  }

  private static String plural(long n, String unit) {
    return n + " " + unit + (n == 1 ? "" : "s");
  }

  private static String scaled(long n, int base, String[] units) {
    double value = n;
    int unit = -1;
    while (value >= base && unit < units.length - 1) {
      value /= base;
      unit++;
    }
    String number = value >= 100 ? String.format(Locale.ROOT, "%.0f", value)
        : value >= 10 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.2f", value);
    if (number.contains(".")) {
      number = number.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return number + units[unit];
  }
}
