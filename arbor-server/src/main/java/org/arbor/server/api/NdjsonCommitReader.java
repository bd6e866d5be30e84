package org.arbor.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.arbor.core.HubException;
import org.arbor.service.CommitHeader;
import org.arbor.service.CommitOperation;
import org.arbor.service.Commits;

/**
 * Reads the NDJSON body of {@code POST /api/T/ns/name/commit/rev} one line at a time: the header
 * first, then operations, handed to the service as they arrive so that a commit of thousands of
 * files is never held in memory at once. Lines are {@code header}, {@code file} (base64 content),
 * {@code lfsFile}, {@code deletedFile} and {@code deletedFolder}.
 */
final class NdjsonCommitReader implements Iterator<CommitOperation> {
  private final MappingIterator<JsonNode> lines;
  private final CommitHeader header;
  private int lineNumber = 1;

  NdjsonCommitReader(InputStream body) throws IOException {
    try {
      this.lines = Json.MAPPER.readerFor(JsonNode.class).readValues(body);
      if (!lines.hasNextValue()) {
        throw HubException.badRequest("Empty commit body: expected NDJSON lines starting with a header");
      }
      JsonNode first = lines.nextValue();
      if (!"header".equals(first.path("key").asText())) {
        throw HubException.badRequest("The first NDJSON line must be {\"key\":\"header\",...}");
      }
      JsonNode value = first.path("value");
      this.header = new CommitHeader(text(value, "summary"), text(value, "description"), text(value, "parentCommit"));
    } catch (JsonProcessingException e) {
      throw malformed(e);
    }
  }

  CommitHeader header() {
    return header;
  }

  @Override
  public boolean hasNext() {
    try {
      return lines.hasNextValue();
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public CommitOperation next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    JsonNode line;
    try {
      line = lines.nextValue();
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    lineNumber++;
    String key = line.path("key").asText();
    JsonNode value = line.path("value");
    String path = text(value, "path");
    if (path == null) {
      throw HubException.badRequest("NDJSON line " + lineNumber + ": missing value.path");
    }
    return switch (key) {
      case "file" -> {
        String encoding = text(value, "encoding");
        if (encoding != null && !encoding.equals("base64")) {
          throw HubException.badRequest("NDJSON line " + lineNumber + ": unsupported encoding " + encoding);
        }
        String content = text(value, "content");
        yield new CommitOperation.AddFile(path, RepoHandler.base64(content == null ? "" : content, path));
      }
      case "lfsFile" -> {
        String algo = text(value, "algo");
        if (algo != null && !algo.equals("sha256")) {
          throw HubException.badRequest("NDJSON line " + lineNumber + ": unsupported algo " + algo);
        }
        JsonNode size = value.get("size");
        yield new CommitOperation.AddLfsFile(path, text(value, "oid"),
            size == null || size.isNull() ? -1 : size.asLong(-1));
      }
      case "deletedFile" -> new CommitOperation.DeleteFile(path);
      case "deletedFolder" -> new CommitOperation.DeleteFolder(path);
      default -> throw HubException.badRequest("NDJSON line " + lineNumber + ": unknown key '" + key
          + "' (expected file, lfsFile, deletedFile or deletedFolder)");
    };
  }

  private HubException malformed(JsonProcessingException e) {
    if (e instanceof StreamConstraintsException) {
      return new HubException(org.arbor.core.ErrorCode.CONTENT_TOO_LARGE, "A regular file in this commit is larger than "
          + Commits.MAX_REGULAR_FILE_BYTES / (1024 * 1024) + " MiB: upload large files with LFS");
    }
    return HubException.badRequest("Malformed NDJSON at line " + (lineNumber + 1) + ": " + e.getOriginalMessage());
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
