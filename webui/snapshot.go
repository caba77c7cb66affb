package webui

import "parley/webui/training"

// viewSnapshot is the snapshot frame of snap; seq is echoed when it answers
// a message.
func viewSnapshot(snap training.Snapshot, seq int64) snapshotFrame {
	a, sc := snap.Attempt, snap.Scenario
	f := snapshotFrame{Type: "snapshot", Seq: seq, Opening: nonNil(snap.Opening),
		Attempt: attemptHead{ID: a.ID, Scenario: a.ScenarioID, Title: sc.Title, Status: string(a.Status),
			Turn: snap.Turn, LastSeq: a.LastSeq, Practice: practiceOf(a)},
		Transcript: make([]turnView, 0, len(snap.Transcript)), Lines: nonNil(snap.Lines), Replies: []choiceView{},
		Mood: convert(snap.Mood, viewMood), Ending: viewEnding(snap.Ending)}
	for _, o := range snap.Transcript {
		f.Transcript = append(f.Transcript, viewTurn(a.ID, sc, o))
	}
	if a.Status == training.StatusActive {
		f.Replies = convert(snap.Replies, viewChoice)
	}
	if snap.Trainee.ID != "" {
		f.Trainee = &traineeRef{ID: snap.Trainee.ID, Name: snap.Trainee.DisplayName}
	}
	return f
}
