package org.arbor.storage.git;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jgit.ignore.IgnoreNode;

/** The rules of a {@code .gitignore} file at the repository root, matched as git matches them (JGit). */
public final class IgnoreRules {
  private final IgnoreNode node;

  private IgnoreRules(IgnoreNode node) {
    this.node = node;
  }

  public static IgnoreRules parse(String gitignore) {
    IgnoreNode node = new IgnoreNode();
    try {
      node.parse(new ByteArrayInputStream(gitignore.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("reading from memory cannot fail", e);
    }
    return new IgnoreRules(node);
  }

  /** True if git would ignore the file at {@code path}, or a folder above it. */
  public boolean isIgnored(String path) {
    String prefix = "";
    for (String segment : path.split("/")) {
      String current = prefix + segment;
      boolean isFile = current.length() == path.length();
      Boolean ignored = node.checkIgnored(current, !isFile);
      if (Boolean.TRUE.equals(ignored)) {
        return true;
      }
      prefix = current + "/";
    }
    return false;
  }
}
