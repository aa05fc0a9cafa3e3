#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, from Debian's packages (slurmctld slurmd slurm-client munge),
# to try `graft sweep --executor slurm` and to test it (CI). Started by hand, no systemd:
#
#   Scripts/local-slurm.sh start     munged, slurmctld and slurmd, with their state, logs and slurm.conf
#                                    under $GRAFT_SLURM_STATE (default /tmp/graft-local-slurm); waits until
#                                    the node is idle. Starting a running cluster does nothing.
#   Scripts/local-slurm.sh stop      stops the three daemons (and their jobs). Stopping a stopped one does nothing.
#   Scripts/local-slurm.sh status    says whether it answers.
#
# Clients (sbatch, squeue, scontrol, graft) find the cluster through SLURM_CONF; where /etc/slurm/slurm.conf
# does not exist and can be written, `start` links it to this cluster's (and `stop` removes the link), so
# they need nothing. The measured constraints of a container without systemd or cgroups shape the config:
# proctrack/pgid (cgroup needs a freezer; linuxproc lets a job's children outlive it), task/none, no
# accounting database (sacct is off), credentials that expire in 10 s and a scheduler pass every 2 s (so a
# requeued job restarts within seconds), and a clean controller start (no old jobs come back).
set -euo pipefail

STATE=${GRAFT_SLURM_STATE:-${TMPDIR:-/tmp}/graft-local-slurm}
CONF=$STATE/slurm.conf
SOCKET_DIR=$STATE/munge
SOCKET=$SOCKET_DIR/munge.socket
SYSTEM_CONF=/etc/slurm/slurm.conf

die() {
  echo "local-slurm: $*" >&2
  exit 1
}

# The PID in a pid file, if that process is alive.
live_pid() {
  local pid
  [[ -f $1 ]] || return 1
  pid=$(<"$1")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Without a slurm.conf, scontrol looks for a configless controller for a minute: ask only when there is one.
answers() { [[ -f $CONF ]] && SLURM_CONF=$CONF scontrol ping 2>/dev/null | grep -q 'is UP'; }

need() {
  for program in munged slurmctld slurmd scontrol sinfo; do
    command -v "$program" >/dev/null ||
      die "$program is not installed; apt-get install --no-install-recommends slurmctld slurmd slurm-client munge"
  done
  [[ $(id -u) == 0 ]] || die "the daemons must start as root (slurmd runs jobs as their users); run it with sudo"
}

write_conf() {
  local host node
  host=$(hostname -s)
  # The node as slurmd sees it (CPUs, sockets, memory), reachable at 127.0.0.1 under the host's name.
  node=$(slurmd -C | head -n 1)
  cat >"$CONF" <<EOF
# Written by Scripts/local-slurm.sh: a one-node cluster on $host.
ClusterName=graft-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCKET,cred_expire=10
StateSaveLocation=$STATE/slurmctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2,bf_interval=2
ReturnToService=2
KillWait=10
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

start() {
  need
  if answers && live_pid "$STATE/slurmd.pid" >/dev/null; then
    echo "local-slurm: already running (SLURM_CONF=$CONF)"
    link_conf
    return
  fi
  stop quiet
  mkdir -p "$STATE/slurmctld" "$STATE/slurmd" "$SOCKET_DIR"
  chmod 755 "$STATE" "$SOCKET_DIR"
  if [[ ! -f $STATE/munge.key ]]; then
    dd if=/dev/urandom of="$STATE/munge.key" bs=1024 count=1 status=none
  fi
  chmod 400 "$STATE/munge.key"
  munged --force --key-file="$STATE/munge.key" --socket="$SOCKET" --pid-file="$STATE/munged.pid" \
    --log-file="$STATE/munged.log" --seed-file="$STATE/munged.seed" ||
    die "munged did not start; see $STATE/munged.log"
  write_conf
  export SLURM_CONF=$CONF
  # -c: a clean start, without the jobs of an earlier cluster in this state directory.
  slurmctld -c -f "$CONF" || die "slurmctld did not start; see $STATE/slurmctld.log"
  slurmd -f "$CONF" || die "slurmd did not start; see $STATE/slurmd.log"
  for _ in $(seq 1 150); do
    if sinfo -h -o %T 2>/dev/null | grep -qx idle; then
      link_conf
      echo "local-slurm: up, node $(hostname -s) idle (SLURM_CONF=$CONF; logs in $STATE)"
      return
    fi
    sleep 0.2
  done
  die "the node did not become idle within 30 s; see $STATE/slurmctld.log and $STATE/slurmd.log"
}

# /etc/slurm/slurm.conf -> this cluster's, unless another config is there.
link_conf() {
  if [[ -L $SYSTEM_CONF && $(readlink "$SYSTEM_CONF") == "$CONF" ]]; then return; fi
  if [[ ! -e $SYSTEM_CONF && ! -L $SYSTEM_CONF ]] && mkdir -p "$(dirname "$SYSTEM_CONF")" 2>/dev/null &&
    ln -s "$CONF" "$SYSTEM_CONF" 2>/dev/null; then
    return
  fi
  echo "local-slurm: $SYSTEM_CONF is another cluster's: export SLURM_CONF=$CONF to use this one"
}

stop() {
  local pid any=false
  # Daemons first, then munged, which they authenticate through.
  for daemon in slurmd slurmctld munged; do
    if pid=$(live_pid "$STATE/$daemon.pid"); then
      any=true
      kill "$pid"
      for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    fi
    rm -f "$STATE/$daemon.pid"
  done
  if [[ -L $SYSTEM_CONF && $(readlink "$SYSTEM_CONF") == "$CONF" ]]; then rm -f "$SYSTEM_CONF"; fi
  if [[ ${1:-} != quiet ]]; then
    if $any; then echo "local-slurm: stopped"; else echo "local-slurm: not running"; fi
  fi
}

case ${1:-} in
start) start ;;
stop) stop ;;
status)
  if answers; then echo "local-slurm: up (SLURM_CONF=$CONF)"; else
    echo "local-slurm: not running"
    exit 1
  fi
  ;;
*) die "usage: $0 start|stop|status" ;;
esac
