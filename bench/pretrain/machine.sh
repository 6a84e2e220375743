# Sourced by the pre-training benchmarks: the machine, commit and load lines of their machine.txt.
#   started FILE THREADS_NOTE    writes machine, commit (flagging local changes in src) and start time
#   finished FILE                appends the end time
started() {
  {
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; $2"
    echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (with local changes in src)')"
    echo "started: $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
  } > "$1"
}
finished() { echo "finished: $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$1"; }
