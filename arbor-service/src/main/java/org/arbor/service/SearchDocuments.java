package org.arbor.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.arbor.core.GitHash;
import org.arbor.search.RepoDocument;
import org.arbor.storage.db.RepoRow;
import org.arbor.storage.git.GitEntry;
import org.arbor.storage.git.GitRepo;
import org.arbor.storage.git.GitRepos;

/**
 * Derives a repository's search document from what is durable: its row (settings, card data,
 * tags, counts) and the head of its default branch (README prose, file formats, and the
 * parameter count from stored weight inspections; nothing is parsed here).
 */
final class SearchDocuments {
  static final int MAX_CARD_TEXT = 64 * 1024;
  private static final List<String> RELATIONS = List.of("finetune", "adapter", "merge", "quantized");

  private static final Map<String, String> WEIGHT_FORMATS = Map.ofEntries(
      Map.entry("safetensors", "safetensors"), Map.entry("gguf", "gguf"), Map.entry("onnx", "onnx"),
      Map.entry("bin", "pytorch"), Map.entry("pt", "pytorch"), Map.entry("pth", "pytorch"),
      Map.entry("ckpt", "pytorch"), Map.entry("h5", "keras"), Map.entry("keras", "keras"),
      Map.entry("msgpack", "flax"), Map.entry("tflite", "tflite"), Map.entry("mlmodel", "coreml"),
      Map.entry("npy", "numpy"), Map.entry("npz", "numpy"));

  private static final Map<String, String> DATA_FORMATS = Map.ofEntries(
      Map.entry("parquet", "parquet"), Map.entry("csv", "csv"), Map.entry("tsv", "csv"),
      Map.entry("json", "json"), Map.entry("jsonl", "json"), Map.entry("arrow", "arrow"),
      Map.entry("txt", "text"), Map.entry("tar", "webdataset"));

  private final GitRepos git;
  private final Weights weights;

  SearchDocuments(GitRepos git, Weights weights) {
    this.git = git;
    this.weights = weights;
  }

  RepoDocument of(RepoRow row) throws IOException {
    String cardText = "";
    TreeSet<String> formats = new TreeSet<>();
    long parameters = -1;
    if (row.headSha() != null) {
      GitRepo repo = git.open(row.storageKey());
      GitHash head = new GitHash(row.headSha());
      List<GitEntry> files = repo.files(head);
      for (GitEntry file : files) {
        formatOf(row.type(), file.path()).ifPresent(formats::add);
      }
      cardText = cardText(repo, head);
      if (row.type().equals("model")) {
        parameters = parameters(weights.forRevision(repo, files, row.pipelineTag()));
      }
    }
    List<String> licenses = new ArrayList<>();
    List<String> datasets = new ArrayList<>();
    List<String> bases = new ArrayList<>();
    String relation = null;
    for (String tag : row.tags()) {
      if (tag.startsWith("license:")) {
        licenses.add(tag.substring(8));
      } else if (tag.startsWith("dataset:")) {
        datasets.add(tag.substring(8));
      } else if (tag.startsWith("base_model:")) {
        String rest = tag.substring(11);
        int colon = rest.indexOf(':');
        if (colon > 0 && RELATIONS.contains(rest.substring(0, colon))) {
          relation = rest.substring(0, colon);
        } else {
          bases.add(rest);
        }
      }
    }
    return new RepoDocument(row.id(), row.type(), row.namespace(), row.name(), cardText, row.tags(),
        row.pipelineTag(), row.libraryName(), licenses, languages(row), datasets, bases, relation, parameters,
        List.copyOf(formats), row.gated(), row.isPrivate(), List.of(row.namespace()), row.downloads(),
        row.downloadsAllTime(), row.likes(), row.trendingScore(), row.createdAt(), row.lastModified());
  }

  /** The README's prose: front matter removed, cut at {@value #MAX_CARD_TEXT} bytes. */
  private static String cardText(GitRepo repo, GitHash head) throws IOException {
    Optional<GitEntry> readme = repo.entry(head, RepoHeads.README);
    if (readme.isEmpty() || readme.get().isDirectory() || readme.get().lfs().isPresent()) {
      return "";
    }
    byte[] bytes;
    try (java.io.InputStream in = repo.openBlob(readme.get().oid())) {
      bytes = in.readNBytes(MAX_CARD_TEXT);
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.startsWith("---")) {
      int end = text.indexOf("\n---", 3);
      if (end > 0) {
        int next = text.indexOf('\n', end + 4);
        text = next < 0 ? "" : text.substring(next + 1);
      }
    }
    return text;
  }

  private static long parameters(Weights.WeightsInfo info) {
    if (info.safetensors() != null) {
      return info.safetensors().total();
    }
    if (info.gguf() != null) {
      return info.gguf().total();
    }
    return -1;
  }

  private static List<String> languages(RepoRow row) {
    Object language = Repos.parseCard(row.cardData()).get("language");
    List<String> out = new ArrayList<>();
    if (language instanceof String s) {
      out.add(s);
    } else if (language instanceof Collection<?> list) {
      list.stream().filter(String.class::isInstance).map(String.class::cast).forEach(out::add);
    }
    return out;
  }

  /** The weight format (models) or data format (datasets) a path stands for, as the facets name it. */
  static Optional<String> formatOf(String type, String path) {
    String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    String extension = name.substring(dot + 1);
    return Optional.ofNullable((type.equals("dataset") ? DATA_FORMATS : WEIGHT_FORMATS).get(extension));
  }
}
