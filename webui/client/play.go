package client

import "fmt"

// Play is one attempt being played on a Conn: its id and the seq of the
// last message applied, so that Choose and GiveUp carry the next.
type Play struct {
	Conn     *Conn
	ID       string
	LastSeq  int64    // Choose sends LastSeq+1 and moves it on its ack
	Snapshot Snapshot // the snapshot that began the play
}

// Start sends start with seq and reads the snapshot that answers it: a new
// attempt at scenario, or the trainee's active one there.
func (c *Conn) Start(seq int64, scenario string) (*Play, error) {
	return c.play(Start(seq, scenario))
}

// Resume sends resume with seq and reads the snapshot of attempt.
func (c *Conn) Resume(seq int64, attempt string) (*Play, error) {
	return c.play(Resume(seq, attempt))
}

func (c *Conn) play(m Message) (*Play, error) {
	if err := c.Send(m); err != nil {
		return nil, fmt.Errorf("%s: %w", m.Type, err)
	}
	s, err := Next[Snapshot](c)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s: %w", m.Type, err)
	case s.Seq != m.Seq || s.Attempt.ID == "" || (m.Attempt != "" && s.Attempt.ID != m.Attempt):
		return nil, &ProtocolError{fmt.Sprintf("%s seq %d of %q answered by the snapshot of seq %d of %q", m.Type, m.Seq, m.Attempt, s.Seq, s.Attempt.ID)}
	}
	return &Play{Conn: c, ID: s.Attempt.ID, LastSeq: s.Attempt.LastSeq, Snapshot: s}, nil
}

// Choose sends choose with the next seq and reads its turn and ack. After
// a turn that reached an ending the server sends Ended: read it with
// Next[Ended].
func (p *Play) Choose(reply string) (Turn, error) {
	seq := p.LastSeq + 1
	if err := p.Conn.Send(Choose(seq, p.ID, reply)); err != nil {
		return Turn{}, fmt.Errorf("choose: %w", err)
	}
	tn, err := Next[Turn](p.Conn)
	if err != nil {
		return tn, fmt.Errorf("choose %s: %w", reply, err)
	}
	if tn.Attempt != p.ID {
		return tn, &ProtocolError{fmt.Sprintf("choose in %s answered by a turn of %s", p.ID, tn.Attempt)}
	}
	if err := p.awaitAck(seq); err != nil {
		return tn, fmt.Errorf("choose %s: %w", reply, err)
	}
	p.LastSeq = seq
	return tn, nil
}

// GiveUp sends give_up with the next seq and reads its ack and the ended
// frame. It does not move LastSeq: giving up again is answered the same.
func (p *Play) GiveUp() (Ended, error) {
	seq := p.LastSeq + 1
	if err := p.Conn.Send(GiveUp(seq, p.ID)); err != nil {
		return Ended{}, fmt.Errorf("give_up: %w", err)
	}
	if err := p.awaitAck(seq); err != nil {
		return Ended{}, fmt.Errorf("give_up: %w", err)
	}
	e, err := Next[Ended](p.Conn)
	if err != nil {
		return e, fmt.Errorf("give_up: %w", err)
	}
	if e.Attempt != p.ID {
		return e, &ProtocolError{fmt.Sprintf("give_up of %s answered by the end of %s", p.ID, e.Attempt)}
	}
	return e, nil
}

// awaitAck reads the ack of seq.
func (p *Play) awaitAck(seq int64) error {
	a, err := Next[Ack](p.Conn)
	if err != nil {
		return err
	}
	if a.Seq != seq || a.Attempt != p.ID {
		return &ProtocolError{fmt.Sprintf("wanted the ack of seq %d of %s, got %+v", seq, p.ID, a)}
	}
	return nil
}
