package org.arbor.storage.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.arbor.core.LfsPointer;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.AbstractTreeIterator;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;

/** What a commit changed against its first parent (or against nothing, for a root commit). */
final class GitDiffs {
  private GitDiffs() {}

  static List<FileDiff> of(Repository repo, ObjectId commitId, int maxFiles, int maxPatchBytes) throws IOException {
    try (RevWalk walk = new RevWalk(repo); ObjectReader reader = repo.newObjectReader();
        DiffFormatter formatter = new DiffFormatter(null)) {
      RevCommit commit = walk.parseCommit(commitId);
      AbstractTreeIterator before = commit.getParentCount() == 0 ? new EmptyTreeIterator()
          : tree(reader, walk.parseCommit(commit.getParent(0)).getTree());
      formatter.setRepository(repo);
      formatter.setDetectRenames(true);
      List<FileDiff> out = new ArrayList<>();
      for (DiffEntry entry : formatter.scan(before, tree(reader, commit.getTree()))) {
        if (out.size() >= maxFiles) {
          break;
        }
        out.add(new FileDiff(entry.getChangeType().name().toLowerCase(Locale.ROOT),
            entry.getOldPath(), entry.getNewPath(), patch(repo, reader, entry, maxPatchBytes)));
      }
      return out;
    }
  }

  /** The hunks of a text change, without the header lines; null when there is no text to show. */
  private static String patch(Repository repo, ObjectReader reader, DiffEntry entry, int maxBytes) throws IOException {
    for (var id : List.of(entry.getOldId(), entry.getNewId())) {
      if (id.toObjectId().equals(ObjectId.zeroId())) {
        continue;
      }
      var loader = reader.open(id.toObjectId());
      if (loader.getSize() > maxBytes) {
        return null;
      }
      byte[] bytes = loader.getCachedBytes(maxBytes);
      if (RawText.isBinary(bytes) || LfsPointer.parse(bytes).isPresent()) {
        return null;
      }
    }
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    try (DiffFormatter one = new DiffFormatter(text)) {
      one.setRepository(repo);
      one.format(entry);
    }
    String patch = text.toString(StandardCharsets.UTF_8);
    int hunks = patch.indexOf("\n@@");
    return hunks < 0 ? "" : patch.substring(hunks + 1);
  }

  private static AbstractTreeIterator tree(ObjectReader reader, ObjectId tree) throws IOException {
    CanonicalTreeParser parser = new CanonicalTreeParser();
    parser.reset(reader, tree);
    return parser;
  }
}
