#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Run a command on a second kernel that has kprobes: Debian's stock 6.1 kernel
# booted under qemu, with this machine's own root filesystem as its root.
#
# The development kernel has no CONFIG_KPROBES, so kprobe attach paths can only
# be exercised on another kernel. The guest sees everything installed here
# (libbcc, the build tree, python3, iproute2) read-only through virtio-9p, with
# a tmpfs overlay on top so it can write anywhere; --share makes host
# directories writable at the same path. How it works and what it costs:
# scripts/kprobe-vm/README.md.
#
# Run `scripts/test-kprobe-kernel.sh --help` for usage.

set -euo pipefail

readonly PROG=test-kprobe-kernel
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly INIT_SRC=$SCRIPT_DIR/kprobe-vm/init

# Debian builds these as modules; the guest needs them before it can mount its
# root. Dependencies first (order taken from modules.dep).
readonly GUEST_MODULES=(
	virtio_pci_legacy_dev virtio_pci_modern_dev virtio_ring virtio virtio_pci
	9pnet 9pnet_virtio netfs fscache 9p overlay
)

# Exit statuses of this script itself (the command's own status otherwise).
readonly EXIT_TIMEOUT=124  # like timeout(1)
readonly EXIT_FAILURE=125  # the guest never ran the command or never reported

timeout_s=900
mem_mb=3072
smp=2
kernel_ver=
cache_dir=/var/cache/nwtrace/kprobe-vm
verbose=0
shares=()
guest_env=()
cmd=()
run_dir=
guest_pid=

usage() {
	cat <<'EOF'
Usage: scripts/test-kprobe-kernel.sh [OPTIONS] -- CMD [ARGS...]

Boot Debian's stock kernel (linux-image-amd64, 6.1, with kprobes and exactly
matching headers at /lib/modules/<ver>/build) under qemu (TCG) with this
machine's root filesystem as the guest's root, run CMD there as root from the
current directory, and exit with CMD's exit status.

Inside the guest: the host root is read-only with a tmpfs overlay (writes
vanish at the end) except the --share directories; proc, sys, dev, debugfs
(/sys/kernel/debug), tracefs (/sys/kernel/tracing), bpffs (/sys/fs/bpf) and
cgroup2 are mounted, lo is up, there is no other network; modules (veth,
nf_tables, sch_tbf, ...) load on demand as usual. The environment is clean:
PATH, HOME, LANG, TERM=dumb, NWTRACE_KPROBE_VM=1 and the --env variables only.
CMD's stdout and stderr (merged) appear on this script's stdout, between
begin/end marker lines.

Options:
  --share DIR      make host directory DIR writable in the guest at the same
                   path (repeatable); e.g. the build tree the tests write to
  --env NAME=VAL   set an environment variable for CMD (repeatable)
  --timeout SEC    power the guest off after SEC seconds (default 900)
  --kernel VER     guest kernel version, e.g. 6.1.0-56-amd64 (default: the
                   one linux-image-amd64 depends on)
  --mem MB         guest memory (default 3072)
  --smp N          guest CPUs (default 2)
  --cache-dir DIR  where the initramfs is kept (default
                   /var/cache/nwtrace/kprobe-vm)
  --verbose        show the whole serial console, boot messages included
  -h, --help       show this help

Needs root. Installs what it needs with apt-get on first use (qemu-system-x86,
busybox, linux-image-amd64, and linux-image-<ver> and linux-headers-<ver> of
the same version) and keeps a small initramfs in the cache dir. The guest runs
under TCG (emulation, 2 host cores): booting and powering off take about 7 s,
a libbcc compile inside about 40 s.

Exit status: CMD's; 124 if the timeout hit; 125 if the guest did not run CMD
or did not report its status (the console tail is printed to stderr).

Examples:
  scripts/test-kprobe-kernel.sh -- ls /sys/bus/event_source/devices
  scripts/test-kprobe-kernel.sh --share "$PWD/build" -- build/nwtrace_tests
EOF
}

msg() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
	msg "$*"
	exit "$EXIT_FAILURE"
}

parse_args() {
	while (($#)); do
		case $1 in
		--share)
			(($# >= 2)) || die "--share needs a directory"
			[[ -d $2 ]] || die "--share $2: not a directory"
			shares+=("$(realpath -- "$2")")
			shift 2
			;;
		--env)
			(($# >= 2)) || die "--env needs NAME=VALUE"
			[[ $2 =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "--env $2: not NAME=VALUE"
			guest_env+=("$2")
			shift 2
			;;
		--timeout | --kernel | --mem | --smp | --cache-dir)
			(($# >= 2)) || die "$1 needs a value"
			case $1 in
			--timeout) timeout_s=$2 ;;
			--kernel) kernel_ver=$2 ;;
			--mem) mem_mb=$2 ;;
			--smp) smp=$2 ;;
			--cache-dir) cache_dir=$2 ;;
			esac
			shift 2
			;;
		--verbose) verbose=1 && shift ;;
		-h | --help) usage && exit 0 ;;
		--) shift && break ;;
		*) die "unknown option '$1' (the command goes after --; see --help)" ;;
		esac
	done
	cmd=("$@")
	((${#cmd[@]})) || die "no command given (usage: $PROG [OPTIONS] -- CMD [ARGS...])"
	[[ $timeout_s =~ ^[1-9][0-9]*$ ]] || die "--timeout $timeout_s: not a number of seconds"
	[[ $mem_mb =~ ^[1-9][0-9]*$ ]] || die "--mem $mem_mb: not a number of MiB"
	[[ $smp =~ ^[1-9][0-9]*$ ]] || die "--smp $smp: not a number"
}

is_installed() {
	[[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

has_candidate() {
	apt-cache policy "$1" 2>/dev/null | grep -q '^ *Candidate: [^(]'
}

# Install the packages that are missing. The package lists are refreshed only
# when a missing package has no candidate, or an install from the present
# lists fails (e.g. a version that left the archive).
ensure_packages() {
	local missing=() p
	for p in "$@"; do
		is_installed "$p" || missing+=("$p")
	done
	((${#missing[@]})) || return 0
	msg "installing ${missing[*]}"
	for p in "${missing[@]}"; do
		if ! has_candidate "$p"; then
			apt-get update -qq || die "apt-get update failed"
			break
		fi
	done
	if ! apt_install "${missing[@]}"; then
		apt-get update -qq || die "apt-get update failed"
		apt_install "${missing[@]}" || die "could not install ${missing[*]}"
	fi
}

# apt-get's output is shown only if it fails.
apt_install() {
	local log rc=0
	log=$(mktemp)
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" \
		>"$log" 2>&1 || rc=$?
	((rc == 0)) || tail -n 20 "$log" >&2
	rm -f "$log"
	return "$rc"
}

# The kernel the linux-image-amd64 metapackage currently points at.
default_kernel_version() {
	ensure_packages linux-image-amd64
	dpkg-query -W -f='${Depends}' linux-image-amd64 |
		sed -n 's/.*linux-image-\([^ ,]*\).*/\1/p'
}

install_prerequisites() {
	ensure_packages qemu-system-x86 busybox
	[[ -n $kernel_ver ]] || kernel_ver=$(default_kernel_version)
	[[ -n $kernel_ver ]] || die "cannot tell which kernel linux-image-amd64 installs"
	# The headers come from the package of exactly this version, so that
	# /lib/modules/$kernel_ver/build matches the guest kernel.
	ensure_packages "linux-image-$kernel_ver" "linux-headers-$kernel_ver"
	[[ -r /boot/vmlinuz-$kernel_ver ]] || die "no /boot/vmlinuz-$kernel_ver"
	[[ -d /lib/modules/$kernel_ver/build/include ]] ||
		die "no headers at /lib/modules/$kernel_ver/build"
}

# Prints the module file (relative to /lib/modules/VER) of module $1, nothing
# if it is built into the kernel; dies if neither.
module_path() {
	local dir=/lib/modules/$kernel_ver name=$1 path
	path=$(awk -F: -v m="$name" '{
			f = $1; sub(/.*\//, "", f); sub(/\.ko(\.(xz|zst|gz))?$/, "", f)
			if (f == m) { print $1; exit }
		}' "$dir/modules.dep")
	if [[ -n $path ]]; then
		echo "$path"
	elif ! grep -q "/$name\.ko\$" "$dir/modules.builtin"; then
		die "module $name not found for kernel $kernel_ver"
	fi
}

# busybox and the shared libraries it links (Debian's is dynamic), loader included.
busybox_files() {
	local bb
	bb=$(command -v busybox) || die "busybox not found"
	echo "$bb"
	ldd "$bb" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
}

# Decompress-or-copy a module file to a plain .ko.
copy_module() {
	local src=$1 dst=$2
	case $src in
	*.ko) cp "$src" "$dst" ;;
	*.ko.xz) busybox xzcat "$src" >"$dst" ;;
	*.ko.gz) busybox zcat "$src" >"$dst" ;;
	*.ko.zst)
		command -v zstd >/dev/null || ensure_packages zstd
		zstd -q -d -c "$src" >"$dst"
		;;
	*) die "unknown module format: $src" ;;
	esac
}

# Writes the initramfs (a plain newc cpio; qemu loads it fast enough without
# compression) to $1.
build_initramfs() {
	local out=$1 stage f name rel
	stage=$(mktemp -d "$cache_dir/stage.XXXXXX")
	mkdir -p "$stage"/{bin,modules,proc,sys,dev}
	while read -r f; do
		if [[ $f == */busybox ]]; then
			cp -L "$f" "$stage/bin/busybox"
		else
			mkdir -p "$stage$(dirname "$f")"
			cp -L "$f" "$stage$f"
		fi
	done < <(busybox_files)
	for name in "${GUEST_MODULES[@]}"; do
		rel=$(module_path "$name")
		[[ -n $rel ]] || continue
		copy_module "/lib/modules/$kernel_ver/$rel" "$stage/modules/$name.ko"
		echo "$name.ko" >>"$stage/modules/order"
	done
	touch "$stage/modules/order"
	install -m 0755 "$INIT_SRC" "$stage/init"
	(cd "$stage" && find . | LC_ALL=C sort | busybox cpio -o -H newc 2>/dev/null) >"$out.tmp"
	mv -f "$out.tmp" "$out"
	rm -rf "$stage"
}

# A digest of everything the initramfs is made from.
initramfs_key() {
	local name rel
	{
		echo "$kernel_ver ${GUEST_MODULES[*]}"
		sha256sum "$INIT_SRC"
		busybox_files | xargs sha256sum
		for name in "${GUEST_MODULES[@]}"; do
			rel=$(module_path "$name")
			[[ -z $rel ]] || sha256sum "/lib/modules/$kernel_ver/$rel"
		done
	} | sha256sum | cut -d' ' -f1
}

# Prints the path of an up-to-date initramfs, building it if its inputs
# changed. A lock keeps concurrent runs from building it twice.
cached_initramfs() {
	local img=$cache_dir/initramfs-$kernel_ver.cpio key
	mkdir -p "$cache_dir"
	exec {lock_fd}>"$cache_dir/lock"
	flock "$lock_fd"
	key=$(initramfs_key)
	if [[ ! -s $img || $(cat "$img.key" 2>/dev/null) != "$key" ]]; then
		msg "building the guest initramfs for $kernel_ver"
		build_initramfs "$img"
		echo "$key" >"$img.key"
	fi
	flock -u "$lock_fd"
	exec {lock_fd}>&-
	echo "$img"
}

# The per-run directory: share/ is the guest's results share (run.sh, the list
# of shares, the exit status); console.log stays on the host.
prepare_run_dir() {
	local i
	run_dir=$(mktemp -d "${TMPDIR:-/tmp}/kprobe-vm.XXXXXX")
	mkdir "$run_dir/share"
	echo "$run_dir/share" >"$run_dir/share/run_dir"
	: >"$run_dir/share/shares"
	for i in "${!shares[@]}"; do
		echo "share$i ${shares[i]}" >>"$run_dir/share/shares"
	done
	write_run_script >"$run_dir/share/run.sh"
}

# The script the guest runs in its chroot (with bash, so %q quoting is safe).
write_run_script() {
	local v
	echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
	echo 'export HOME=/root LANG=C.UTF-8 TERM=dumb NWTRACE_KPROBE_VM=1'
	for v in "${guest_env[@]}"; do
		printf 'export %s=%q\n' "${v%%=*}" "${v#*=}"
	done
	printf 'cd -- %q || exit %d\n' "$PWD" "$EXIT_FAILURE"
	printf 'exec'
	printf ' %q' "${cmd[@]}"
	printf '\n'
}

# qemu's -virtfs takes a comma-separated list: a comma in a path is doubled.
virtfs() {
	local path=$1 tag=$2 extra=$3
	printf -- 'local,path=%s,mount_tag=%s,security_model=passthrough,multidevs=remap%s' \
		"${path//,/,,}" "$tag" "$extra"
}

qemu_args() {
	local img=$1 i
	# TCG, not KVM: with -enable-kvm this kernel hangs after "Probing EDD" and
	# -cpu host aborts on these machines. -no-reboot with panic=-1 turns a
	# guest panic into a qemu exit. No NIC: the guest has loopback only.
	local args=(
		-accel tcg -smp "$smp" -m "$mem_mb" -nographic -no-reboot -nic none
		-kernel "/boot/vmlinuz-$kernel_ver" -initrd "$img"
		-append "console=ttyS0 quiet loglevel=3 panic=-1"
		-virtfs "$(virtfs / hostroot ,readonly=on)"
		-virtfs "$(virtfs "$run_dir/share" results '')"
	)
	for i in "${!shares[@]}"; do
		args+=(-virtfs "$(virtfs "${shares[i]}" "share$i" '')")
	done
	printf '%s\0' "${args[@]}"
}

# Drops what the serial line adds: carriage returns, and the firmware's
# terminal resets (which would clear the caller's screen).
strip_serial_noise() {
	sed -u -e 's/\r$//' -e 's/\x1bc//g; s/\x1b\[?7l//g; s/\x1b\[2J//g; s/\x1b\[0m//g'
}

# Shows the console lines between the guest's begin and end markers (all of
# them with --verbose), and the guest init's own messages. A marker may follow
# other text on its line (the firmware's output, or the command's last line
# when it lacks a newline).
console_filter() {
	awk -v verbose="$verbose" '
		function from(s) { print substr($0, index($0, s)); fflush() }
		verbose { print; fflush(); next }
		/kprobe-vm init: / { from("kprobe-vm init: "); next }
		!show && /----- kprobe-vm: begin/ { from("----- kprobe-vm: begin"); show = 1; next }
		show && /----- kprobe-vm: end/ {
			i = index($0, "----- kprobe-vm: end")
			if (i > 1) print substr($0, 1, i - 1)
			from("----- kprobe-vm: end"); show = 0; next
		}
		show { print; fflush() }'
}

# Boots the guest; returns qemu's (or timeout's) exit status. qemu runs in
# the background and the console is read through a fifo, so that a signal to
# this script is handled at once (bash defers traps while a foreground job
# runs) and can stop qemu (see stop_guest).
run_guest() {
	local img=$1 args=() fifo=$run_dir/console.fifo reader_pid rc=0
	mapfile -d '' args < <(qemu_args "$img")
	mkfifo "$fifo"
	strip_serial_noise <"$fifo" | tee "$run_dir/console.log" | console_filter &
	reader_pid=$!
	# stdin from /dev/null: the guest is not interactive, and qemu must
	# neither eat the caller's input nor put a terminal into raw mode.
	timeout -k 10 "$timeout_s" qemu-system-x86_64 "${args[@]}" </dev/null >"$fifo" &
	guest_pid=$!
	wait "$guest_pid" || rc=$?
	guest_pid=
	wait "$reader_pid" || true
	return "$rc"
}

# Stops a running guest (timeout(1) passes the signal on to qemu).
# shellcheck disable=SC2317  # invoked by the INT and TERM traps
stop_guest() {
	if [[ -n $guest_pid ]]; then
		kill -TERM "$guest_pid" 2>/dev/null || true
		wait "$guest_pid" 2>/dev/null || true
	fi
}

# Exits with the status the guest reported, or explains why there is none.
report() {
	local qemu_rc=$1 status
	status=$(cat "$run_dir/share/status" 2>/dev/null || true)
	if [[ $status =~ ^[0-9]+$ ]]; then
		exit "$status"
	fi
	if ((!verbose)); then
		msg "last lines of the guest console:"
		tail -n 30 "$run_dir/console.log" >&2
	fi
	if ((qemu_rc == 124 || qemu_rc == 137)); then
		msg "no exit status from the guest: timed out after ${timeout_s} s"
		exit "$EXIT_TIMEOUT"
	fi
	msg "no exit status from the guest (qemu exited with $qemu_rc): boot or mount failure, see above"
	exit "$EXIT_FAILURE"
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
	[[ -z $run_dir ]] || rm -rf -- "$run_dir"
}

main() {
	parse_args "$@"
	((EUID == 0)) || die "must run as root (it installs packages and shares / with the guest)"
	install_prerequisites
	local img qemu_rc=0
	img=$(cached_initramfs)
	trap cleanup EXIT
	trap 'stop_guest; exit 130' INT
	trap 'stop_guest; exit 143' TERM
	prepare_run_dir
	msg "booting $kernel_ver under qemu (TCG), timeout ${timeout_s} s"
	run_guest "$img" || qemu_rc=$?
	report "$qemu_rc"
}

main "$@"
