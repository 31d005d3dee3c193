package probe

import "syscall"

// childAttr makes the kernel kill the tool if this process dies (SIGKILL,
// power loss of the worker), so no transcode keeps running as an orphan.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
