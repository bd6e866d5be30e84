package org.arbor.storage.git;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jgit.attributes.Attribute;
import org.eclipse.jgit.attributes.AttributesNode;
import org.eclipse.jgit.attributes.AttributesRule;

/**
 * The {@code filter=lfs} rules of a {@code .gitattributes} file, matched the way git matches them
 * (last matching rule wins). Parsing and matching are JGit's.
 */
public final class LfsAttributes {
  private final List<AttributesRule> rules;

  private LfsAttributes(List<AttributesRule> rules) {
    this.rules = rules;
  }

  public static LfsAttributes parse(String gitattributes) {
    AttributesNode node = new AttributesNode();
    try {
      node.parse(new ByteArrayInputStream(gitattributes.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("reading from memory cannot fail", e);
    }
    return new LfsAttributes(node.getRules());
  }

  /** True if git would store {@code path} through the LFS filter. */
  public boolean isLfs(String path) {
    for (int i = rules.size() - 1; i >= 0; i--) {
      AttributesRule rule = rules.get(i);
      if (!rule.isMatch(path, false)) {
        continue;
      }
      for (Attribute attribute : rule.getAttributes()) {
        if (attribute.getKey().equals("filter")) {
          return attribute.getState() == Attribute.State.CUSTOM && "lfs".equals(attribute.getValue());
        }
      }
    }
    return false;
  }
}
