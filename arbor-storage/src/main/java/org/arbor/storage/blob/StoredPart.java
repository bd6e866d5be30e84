package org.arbor.storage.blob;

/**
 * A part of a {@link PartedUpload} that arrived whole. Its {@code etag} names its content (the
 * client hands it back at completion, so a part overwritten since is noticed); it is not a
 * security check: the whole object is verified against its SHA-256 when the parts are joined.
 */
public record StoredPart(int number, long size, String etag) {}
