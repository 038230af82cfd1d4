# Comparing results files bit for bit (sourced by tests/cli/mpi.sh and
# tests/cli/checkpoint.sh).  Needs h5dump (hdf5-tools).
#
# Two runs of the same computation differ only in when and how they were
# started: the root attributes `created` and `command_line`, and the
# /provenance group (the MPI build records its MPI library there).  The
# dump leaves those out and prints every floating-point value with 17
# significant digits, which tell doubles apart exactly, so equal dumps mean
# equal datasets and attributes, bit for bit.  Object addresses (printed
# with references) are left out: they move with the attributes' lengths.

# h5_canonical FILE: the dump, without the parts that may differ.
h5_canonical() {
  h5dump -m '%.17g' "$1" | awk '
    skip_indent != "" {
      if ($0 == skip_indent "}") skip_indent = ""
      next
    }
    /^ *ATTRIBUTE "(created|command_line)" \{$/ || /^ *GROUP "provenance" \{$/ {
      match($0, /^ */)
      skip_indent = substr($0, 1, RLENGTH)
      next
    }
    NR == 1 { next } # HDF5 "file name" {
    # References print the object address, which moves with the length
    # of the attributes left out; the path they also print is what counts.
    { gsub(/DATASET [0-9]+ "/, "DATASET \""); print }'
}

# expect_h5_same A B WHAT: A and B hold the same results bit for bit.
expect_h5_same() {
  CHECKS=$((CHECKS + 1))
  if [ ! -s "$1" ] || [ ! -s "$2" ]; then
    fail "$3: missing results file ($(basename "$1") or $(basename "$2"))"
    return
  fi
  if ! diff <(h5_canonical "$1") <(h5_canonical "$2") >"$WORK/h5diff"; then
    fail "$3: $(basename "$1") and $(basename "$2") differ"
    head -n 20 "$WORK/h5diff" >&2
  fi
}
