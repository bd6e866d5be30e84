package org.arbor.server.api;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import org.arbor.core.RepoId;
import org.arbor.core.RepoPath;
import org.arbor.core.RepoType;
import org.arbor.service.Downloads;
import org.arbor.service.RepoFiles;
import org.arbor.service.ResolvedFile;
import org.arbor.service.XetCas;

/**
 * {@code GET|HEAD /P{ns}/{name}/resolve|raw/{rev}/{path}}: the endpoint behind hf_hub_download
 * and downloadFile. HEAD says which commit, which ETag, how big; GET streams the bytes with Range.
 * {@code raw} serves what git stores, so an LFS file shows its pointer.
 */
final class ResolveHandler {
  private static final java.util.regex.Pattern SMALL_RANGE =
      java.util.regex.Pattern.compile("bytes=(\\d{1,18})-(\\d{1,18})");
  private static final String XET_FILE_INFO = "application/vnd.xet-fileinfo+json";
  private final RepoFiles files;
  private final Downloads downloads;
  private final XetCas xet;

  /** {@code xet}: null while the instance has Xet off (no Xet headers are sent then). */
  ResolveHandler(RepoFiles files, Downloads downloads, XetCas xet) {
    this.files = files;
    this.downloads = downloads;
    this.xet = xet;
  }

  void serve(Exchange ex, RepoType type, RepoId id, int from, boolean raw, boolean withBody) throws IOException {
    RevisionPath target = RevisionPath.split(ex, files, type, id, from);
    ResolvedFile file = files.resolve(ex.caller(), type, id, target.revision(), RepoPath.of(target.path()), raw);
    ex.header(HfHeaders.X_REPO_COMMIT, file.commit().hex());
    ex.header("ETag", '"' + file.etag() + '"');
    if (file.isLfs()) {
      ex.header(HfHeaders.X_LINKED_ETAG, '"' + file.etag() + '"');
      ex.header(HfHeaders.X_LINKED_SIZE, Long.toString(file.size()));
      java.util.Optional<String> xetHash = xet != null && !raw ? xet.fileHashFor(file.etag()) : java.util.Optional.empty();
      if (xetHash.isPresent()) {
        xetHeaders(ex, type, id, file, xetHash.get());
        String accept = ex.header("Accept");
        if (accept != null && accept.contains(XET_FILE_INFO)) {
          fileInfo(ex, type, id, file, xetHash.get());
          return;
        }
      }
    }
    ex.header("Content-Disposition", disposition(file.path().fileName()));
    // A small Range (a client's "bytes=0-0" probe for size and etag) is answered here: the redirect
    // would cost more than the bytes, and the store's own ETag (its MD5) is not the file's sha256.
    if (withBody && file.isLfs() && !isSmallRange(ex.header("Range"))) {
      java.util.Optional<java.net.URI> direct = file.directUrl();
      if (direct.isPresent()) {
        // As the Hub sends LFS files to its CDN: the headers above on a 302 to the object store,
        // which answers the GET (and any Range) itself.
        downloads.fileFetched(ex.caller(), ex.clientAddress(), type, id, file.path().value());
        ex.response.setStatus(302);
        ex.header("Location", direct.get().toString());
        ex.response.setContentLength(0);
        return;
      }
    }
    ByteRange range = ContentWriter.prepare(ex, file.size());
    if (!raw) {
      downloads.fileFetched(ex.caller(), ex.clientAddress(), type, id, file.path().value());
    }
    if (!withBody) {
      return;
    }
    if (file.isLfs()) {
      try (SeekableByteChannel channel = file.open()) {
        ContentWriter.write(ex, range, channel);
      }
    } else {
      ContentWriter.write(ex, range, file.inline().orElseThrow());
    }
  }

  /** True for a single {@code bytes=first-last} range of at most 64 KiB. */
  static boolean isSmallRange(String header) {
    if (header == null) {
      return false;
    }
    java.util.regex.Matcher m = SMALL_RANGE.matcher(header.strip());
    if (!m.matches()) {
      return false;
    }
    try {
      long first = Long.parseLong(m.group(1));
      long last = Long.parseLong(m.group(2));
      return last >= first && last - first < 64 * 1024;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * The answer to a client that asked for {@code application/vnd.xet-fileinfo+json} (the JS
   * client, before a Xet download): 200 with the Xet headers and a small description, no bytes
   * and no redirect, which would lose the headers.
   */
  private void fileInfo(Exchange ex, RepoType type, RepoId id, ResolvedFile file, String hash) throws IOException {
    downloads.fileFetched(ex.caller(), ex.clientAddress(), type, id, file.path().value());
    ex.response.setStatus(200);
    ex.response.setContentType(XET_FILE_INFO);
    byte[] body = Json.object().put("hash", hash).put("size", file.size()).put("etag", file.etag())
        .put("refreshUrl", tokenUrl(ex, type, id, file)).put("reconstructionUrl", reconstructionUrl(ex, hash))
        .toString().getBytes(StandardCharsets.UTF_8);
    ex.response.setContentLength(body.length);
    if (ex.method().equals("GET")) {
      ex.response.getOutputStream().write(body);
    }
  }

  /**
   * For a file with a Xet representation: its Xet hash, where to get a read token (Link
   * {@code xet-auth}, and X-Xet-Refresh-Route) and its reconstruction, as absolute URLs; clients
   * without Xet ignore them and read the bytes as before.
   */
  private static void xetHeaders(Exchange ex, RepoType type, RepoId id, ResolvedFile file, String hash) {
    String tokenUrl = tokenUrl(ex, type, id, file);
    ex.header(HfHeaders.X_XET_HASH, hash);
    ex.header(HfHeaders.X_XET_REFRESH_ROUTE, tokenUrl);
    ex.header(HfHeaders.LINK, "<" + tokenUrl + ">; rel=\"xet-auth\", <" + reconstructionUrl(ex, hash)
        + ">; rel=\"xet-reconstruction-info\"");
  }

  private static String tokenUrl(Exchange ex, RepoType type, RepoId id, ResolvedFile file) {
    return ex.baseUrl() + "/api/" + type.plural() + "/" + id + "/xet-read-token/" + file.commit().hex();
  }

  private static String reconstructionUrl(Exchange ex, String hash) {
    return XetHandler.casUrl(ex) + "/v1/reconstructions/" + hash;
  }

  /** RFC 6266: an ASCII fallback and the UTF-8 name. */
  private static String disposition(String name) {
    String ascii = name.replaceAll("[^A-Za-z0-9._ -]", "_");
    String encoded = java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    return "inline; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }
}
