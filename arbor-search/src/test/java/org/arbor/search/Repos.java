package org.arbor.search;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A fluent builder of test documents: {@code Repos.model("acme/bert").downloads(5).build()}. */
final class Repos {
  private final String id;
  private final String type;
  private final String owner;
  private final String name;
  private String card = "";
  private final List<String> tags = new ArrayList<>();
  private String pipeline;
  private String library;
  private final List<String> licenses = new ArrayList<>();
  private final List<String> languages = new ArrayList<>();
  private final List<String> formats = new ArrayList<>();
  private long parameters = -1;
  private boolean isPrivate;
  private String gated = "false";
  private final List<String> readers = new ArrayList<>();
  private long downloads;
  private long likes;
  private long trending;
  private Instant modified = Instant.parse("2026-01-01T00:00:00Z");

  private Repos(String type, String fullName) {
    this.type = type;
    this.id = type + ":" + fullName;
    this.owner = fullName.substring(0, fullName.indexOf('/'));
    this.name = fullName.substring(fullName.indexOf('/') + 1);
  }

  static Repos model(String fullName) {
    return new Repos("model", fullName);
  }

  static Repos dataset(String fullName) {
    return new Repos("dataset", fullName);
  }

  Repos card(String text) {
    card = text;
    return this;
  }

  Repos tags(String... values) {
    tags.addAll(List.of(values));
    return this;
  }

  Repos pipeline(String value) {
    pipeline = value;
    return this;
  }

  Repos library(String value) {
    library = value;
    tags.add(value);
    return this;
  }

  Repos license(String value) {
    licenses.add(value);
    tags.add("license:" + value);
    return this;
  }

  Repos language(String value) {
    languages.add(value);
    tags.add(value);
    return this;
  }

  Repos format(String value) {
    formats.add(value);
    return this;
  }

  Repos parameters(long value) {
    parameters = value;
    return this;
  }

  Repos privateTo(String... namespaces) {
    isPrivate = true;
    readers.addAll(List.of(namespaces));
    return this;
  }

  Repos gated(String mode) {
    gated = mode;
    return this;
  }

  Repos downloads(long value) {
    downloads = value;
    return this;
  }

  Repos likes(long value) {
    likes = value;
    return this;
  }

  Repos trending(long value) {
    trending = value;
    return this;
  }

  Repos modified(Instant value) {
    modified = value;
    return this;
  }

  RepoDocument build() {
    return new RepoDocument(id, type, owner, name, card, tags, pipeline, library, licenses, languages, List.of(),
        List.of(), null, parameters, formats, gated, isPrivate, readers, downloads, downloads * 3, likes, trending,
        Instant.parse("2025-01-01T00:00:00Z"), modified);
  }
}
