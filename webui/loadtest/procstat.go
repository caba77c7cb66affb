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
// /proc/PID/stat. The command name (field 2) is in parentheses and may
// hold spaces, so the fields are counted from the last ')'.
func parseProcStat(stat []byte) (time.Duration, error) {
	end := bytes.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, fmt.Errorf("/proc stat %q: no command name", stat)
	}
	f := strings.Fields(string(stat[end+1:])) // f[0] is field 3, the state
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc stat: %d fields after the command name, want at least 13", len(f))
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc stat: CPU time %q: %w", s, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
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

// serverProcs samples the server processes' CPU and memory around the load.
type serverProcs struct {
	pids   []int
	before []procSample
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
	return nil
}

// procUse is what the server processes used over the load.
type procUse struct {
	pids []int
	cpu  time.Duration   // all of them together
	each []time.Duration // each one's
	rss  []int64         // each at the end of the load
	hwm  []int64         // each one's peak
}

// finish samples again and returns the difference.
func (sp *serverProcs) finish() (procUse, error) {
	u := procUse{pids: sp.pids}
	for k, pid := range sp.pids {
		s, err := readProc(pid)
		if err != nil {
			return u, err
		}
		u.cpu += s.cpu - sp.before[k].cpu
		u.each = append(u.each, s.cpu-sp.before[k].cpu)
		u.rss, u.hwm = append(u.rss, s.rss), append(u.hwm, s.hwm)
	}
	return u, nil
}
