#!/usr/bin/env bash
# A throw-away single-node Slurm cluster for Winnow's tests, all of it under one folder:
#   slurm-cluster.sh start DIR   # writes DIR/slurm.conf and a munge key, starts munged, slurmctld and slurmd
#                                # (each with its pid file in DIR), waits until the node is idle, prints
#                                # "SLURM_CONF=DIR/slurm.conf" — export it for sbatch, squeue, scancel, sacct.
#   slurm-cluster.sh stop DIR    # stops the three daemons by the pids in DIR (never by name)
# Needs root and Debian's slurmctld, slurmd, slurm-client and munge (test.sh installs them when missing).
# The node declares 2 CPUs and the machine's memory; nothing outside DIR is written, nothing but
# 127.0.0.1 is listened on (two free ports chosen at start).
set -euo pipefail
what="${1:?usage: slurm-cluster.sh start|stop DIR}"; dir="${2:?usage: slurm-cluster.sh start|stop DIR}"
mkdir -p "$dir"; dir="$(cd "$dir" && pwd)"

stop() {
  local name pid
  # Jobs first: their processes (slurmstepd and what it runs) would outlive slurmd.
  if [ -f "$dir/slurm.conf" ] && [ -f "$dir/slurmctld.pid" ] && kill -0 "$(cat "$dir/slurmctld.pid")" 2>/dev/null; then
    export SLURM_CONF="$dir/slurm.conf"
    if [ -n "$(squeue -h -o %A 2>/dev/null)" ]; then
      squeue -h -o %A | sort -u | xargs -r scancel 2>/dev/null || true
      for _ in $(seq 100); do [ -z "$(squeue -h -o %A 2>/dev/null)" ] && break; sleep 0.1; done
    fi
  fi
  for name in slurmd slurmctld munged; do
    [ -f "$dir/$name.pid" ] || continue
    pid="$(cat "$dir/$name.pid")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/$name.pid"
  done
}

free_port() { # a port nothing on this machine listens on, from 20000-39999
  local port
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && [ "$port" != "${1:-0}" ]; then echo "$port"; return; fi
  done
  echo "slurm-cluster: no free port found" >&2; return 1
}

start() {
  [ "$(id -u)" = 0 ] || { echo "slurm-cluster: needs root (slurmd runs jobs as their submitter)" >&2; return 1; }
  local tool
  for tool in munged slurmctld slurmd sbatch sinfo; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || { echo "slurm-cluster: $tool is not installed" >&2; return 1; }
  done
  export PATH="$PATH:/usr/sbin"
  mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
  chmod 700 "$dir/munge"
  # A key of our own, so nothing here depends on (or changes) the system's munge set-up.
  [ -f "$dir/munge/munge.key" ] || { head -c 1024 /dev/urandom >"$dir/munge/munge.key"; chmod 400 "$dir/munge/munge.key"; }
  munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.sock" --pid-file="$dir/munged.pid" \
         --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed" --num-threads=2
  local ctl_port node_port host mem
  ctl_port="$(free_port)"; node_port="$(free_port "$ctl_port")"
  host="$(hostname -s)"
  # Declare most of the machine's memory: the generated scripts ask for --mem=8G per task (memory is not a
  # consumable here, CR_CPU, so tasks still share the node by CPUs alone).
  mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 9 / 10 ))
  cat >"$dir/slurm.conf" <<CONF
ClusterName=winnowtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctl_port
SlurmdPort=$node_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.sock
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
MinJobAge=600
KillWait=5
InactiveLimit=0
Waittime=0
NodeName=winnow-node NodeHostname=$host NodeAddr=127.0.0.1 CPUs=2 RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=winnow-node Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$dir/slurm.conf"
  slurmctld -i
  slurmd -N winnow-node
  local state=""
  for _ in $(seq 300); do
    state="$(sinfo -h -n winnow-node -o %T 2>/dev/null || true)"
    [ "$state" = idle ] && { echo "SLURM_CONF=$SLURM_CONF"; return 0; }
    sleep 0.1
  done
  echo "slurm-cluster: the node did not come up (state '${state:-none}'); logs in $dir/log" >&2
  tail -n 20 "$dir"/log/*.log >&2 || true
  return 1
}

case "$what" in
  start) start || { stop; exit 1; } ;;
  stop) stop ;;
  *) echo "usage: slurm-cluster.sh start|stop DIR" >&2; exit 2 ;;
esac
