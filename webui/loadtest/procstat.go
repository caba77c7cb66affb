package loadtest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of the CPU times in /proc/PID/stat: Linux reports
// them in USER_HZ ticks, 100 a second on every architecture Go runs on.
const userHZ = 100

// procSample is what /proc says of a server process at one moment.
type procSample struct {
	cpu      time.Duration // user + system, all threads
	rss, hwm int64         // resident set now and at its peak, bytes
}

// readProc reads pid's CPU time from /proc/PID/stat and its resident
// memory from /proc/PID/status (Linux only).
func readProc(pid int) (procSample, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procSample{}, fmt.Errorf("server process %d: %w (its CPU is read from /proc, on Linux)", pid, err)
	}
	cpu, err := parseProcStat(stat)
	if err != nil {
		return procSample{}, fmt.Errorf("server process %d: %w", pid, err)
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procSample{}, fmt.Errorf("server process %d: %w", pid, err)
	}
	s := procSample{cpu: cpu}
	s.rss, s.hwm = statusKiB(status, "VmRSS:")*1024, statusKiB(status, "VmHWM:")*1024
	return s, nil
}

// parseProcStat reads utime and stime (fields 14 and 15) from the text of
// /proc/PID/stat.
func parseProcStat(stat []byte) (time.Duration, error) {
	st, err := parseStatFields(stat)
	return st.cpu, err
}

// statFields are the fields of /proc/PID/stat the tool reads.
type statFields struct {
	ppid     int
	cpu      time.Duration // utime + stime
	children time.Duration // cutime + cstime: its children that exited and were waited for
}

// parseStatFields reads /proc/PID/stat's text. The command name (field 2)
// is in parentheses and may hold spaces, so the fields are counted from
// the last ')'.
func parseStatFields(stat []byte) (statFields, error) {
	end := bytes.LastIndexByte(stat, ')')
	if end < 0 {
		return statFields{}, fmt.Errorf("/proc stat %q: no command name", stat)
	}
	f := strings.Fields(string(stat[end+1:])) // f[0] is field 3, the state
	if len(f) < 15 {
		return statFields{}, fmt.Errorf("/proc stat: %d fields after the command name, want at least 15", len(f))
	}
	var n [5]int64 // ppid, utime, stime, cutime, cstime
	for k, i := range []int{1, 11, 12, 13, 14} {
		v, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return statFields{}, fmt.Errorf("/proc stat: field %d %q: %w", i+3, f[i], err)
		}
		n[k] = v
	}
	tick := time.Second / userHZ
	return statFields{ppid: int(n[0]), cpu: time.Duration(n[1]+n[2]) * tick, children: time.Duration(n[3]+n[4]) * tick}, nil
}

// treeCPU is the CPU time of pid and of its children, those running and
// those that exited (PostgreSQL: the postmaster and its backends).
func treeCPU(pid int) (time.Duration, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("process %d: %w (its CPU is read from /proc, on Linux)", pid, err)
	}
	root, err := parseStatFields(stat)
	if err != nil {
		return 0, fmt.Errorf("process %d: %w", pid, err)
	}
	total := root.cpu + root.children
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil || child == pid {
			continue
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", child))
		if err != nil {
			continue // gone meanwhile: its time is in the parent's children
		}
		if st, err := parseStatFields(stat); err == nil && st.ppid == pid {
			total += st.cpu + st.children
		}
	}
	return total, nil
}

// statusKiB is the "kB" value of key in /proc/PID/status, 0 when absent.
func statusKiB(status []byte, key string) int64 {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), key); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

// serverProcs samples the server processes' CPU and memory around the load,
// and a database's process tree.
type serverProcs struct {
	pids     []int
	before   []procSample
	db       int // PostgreSQL's postmaster; 0: none
	dbBefore time.Duration
}

// start samples every process before the load.
func (sp *serverProcs) start() error {
	sp.before = sp.before[:0]
	for _, pid := range sp.pids {
		s, err := readProc(pid)
		if err != nil {
			return err
		}
		sp.before = append(sp.before, s)
	}
	if sp.db != 0 {
		var err error
		if sp.dbBefore, err = treeCPU(sp.db); err != nil {
			return fmt.Errorf("--db-pid: %w", err)
		}
	}
	return nil
}

// cpuNow is the server processes' CPU time so far (0 for those it cannot
// read).
func (sp *serverProcs) cpuNow() time.Duration {
	var total time.Duration
	for _, pid := range sp.pids {
		if s, err := readProc(pid); err == nil {
			total += s.cpu
		}
	}
	return total
}

// procUse is what the server processes used over the load.
type procUse struct {
	pids  []int
	cpu   time.Duration   // all of them together
	each  []time.Duration // each one's
	rss   []int64         // each at the end of the load
	hwm   []int64         // each one's peak
	gone  []bool          // each: exited during the load (its CPU is not counted)
	db    int             // the database's process, 0: not measured
	dbCPU time.Duration   // its CPU and its children's over the load
}

// finish samples again and returns the difference.
func (sp *serverProcs) finish() (procUse, error) {
	u := procUse{pids: sp.pids, db: sp.db}
	for k, pid := range sp.pids {
		s, err := readProc(pid)
		gone := err != nil // a server killed during the load (a crash test) does not spoil the run
		if gone {
			s = sp.before[k]
		}
		u.cpu += s.cpu - sp.before[k].cpu
		u.each = append(u.each, s.cpu-sp.before[k].cpu)
		u.rss, u.hwm, u.gone = append(u.rss, s.rss), append(u.hwm, s.hwm), append(u.gone, gone)
	}
	if sp.db != 0 {
		after, err := treeCPU(sp.db)
		if err != nil {
			return u, fmt.Errorf("--db-pid: %w", err)
		}
		u.dbCPU = after - sp.dbBefore
	}
	return u, nil
}
