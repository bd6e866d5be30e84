package org.arbor.storage.blob;

import org.arbor.core.Sha256;

/** A stored object: its id and its size in bytes. */
public record BlobInfo(Sha256 id, long size) {}
