//! The only code that touches git2: reading history, making commits.

mod approve_commit;
mod commit;
mod commitobj;
mod history;
mod repository;
mod sign;
mod verdicts;
mod walk_cache;

pub use approve_commit::{CommitError, OneFileCommit, commit_one_file};
pub use commit::{Identity, Step, commit_paths, commit_signed_chain, configured_identity};
pub use commitobj::RawCommit;
pub use git2::{Oid, Repository};
pub use history::{
    CommitMeta, FolderCommit, PathChange, PathFilter, Walk, commit_time, folder_history, walk,
    walk_from,
};
pub use repository::{
    AtHead, BlobText, GitConfig, TreeFile, all_commits, blob_text, changed_paths, config_string,
    converts_line_endings, discover, entry_at, entry_at_head, entry_at_head_or, git_dir, hash_blob,
    hash_worktree_blob, index_entry, is_ignored, names_at_head, open, open_or_init, resolve_commit,
    set_local_config, tree_files, work_tree,
};
pub use sign::{
    GpgVerifier, Signer, SignerKey, configured_signer, home_path, program_runs, signer_from_config,
    ssh_key_is_weak, ssh_keygen, verify_ssh, verify_ssh_many,
};
pub use verdicts::{SshVerdicts, caches_off, caches_on};

/// Object reads without re-hashing: libgit2 checks every object's SHA-1
/// (collision-detecting, slow) on read, which costs more than the whole
/// history walk. Objects are still hashed when written, and signatures are
/// checked against the bytes read.
pub fn fast_reads() {
    git2::opts::strict_hash_verification(false);
}
