package org.arbor.service;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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

  private final GitRepos git;
  private final Weights weights;

  SearchDocuments(GitRepos git, Weights weights) {
    this.git = git;
    this.weights = weights;
  }

  RepoDocument of(RepoRow row) throws IOException {
    String cardText = "";
    List<String> formats = List.of();
    long parameters = -1;
    if (row.headSha() != null) {
      GitRepo repo = git.open(row.storageKey());
      GitHash head = new GitHash(row.headSha());
      List<GitEntry> files = repo.files(head);
      formats = FileFormats.in(row.type(), files.stream().map(GitEntry::path).toList());
      cardText = RepoHeads.prose(repo, head, MAX_CARD_TEXT).orElse("");
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
        formats, row.gated(), row.isPrivate(), List.of(row.namespace()), row.downloads(),
        row.downloadsAllTime(), row.likes(), row.trendingScore(), row.createdAt(), row.lastModified());
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
}
