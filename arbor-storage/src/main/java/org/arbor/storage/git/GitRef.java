package org.arbor.storage.git;

import org.arbor.core.GitHash;

/** A branch, tag or pull-request ref: its short name, full name, and the commit it points at. */
public record GitRef(String name, String ref, GitHash target) {}
