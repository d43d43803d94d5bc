/**
 * Vietnamese for the modeler's own palette, context pad and properties panel (bpmn-js speaks English).
 * Strings not listed stay in English; our own labels come translated from the page (config.dvc).
 */

const VI = {
  'Activate create/remove space tool': 'Công cụ thêm/bớt khoảng trống',
  'Activate global connect tool': 'Công cụ nối',
  'Activate hand tool': 'Công cụ kéo màn hình',
  'Activate lasso tool': 'Công cụ chọn vùng',
  'Add lane above': 'Thêm làn phía trên',
  'Add lane below': 'Thêm làn phía dưới',
  'Add text annotation': 'Thêm ghi chú',
  'Append end event': 'Nối sự kiện kết thúc',
  'Append gateway': 'Nối cổng rẽ nhánh',
  'Append intermediate/boundary event': 'Nối sự kiện trung gian',
  'Append task': 'Nối tác vụ',
  'Append timer intermediate catch event': 'Nối sự kiện hẹn giờ',
  'Change element': 'Đổi loại phần tử',
  'Connect to other element': 'Nối tới phần tử khác',
  'Create data object reference': 'Tạo đối tượng dữ liệu',
  'Create data store reference': 'Tạo kho dữ liệu',
  'Create end event': 'Tạo sự kiện kết thúc',
  'Create expanded sub-process': 'Tạo quy trình con',
  'Create gateway': 'Tạo cổng rẽ nhánh',
  'Create group': 'Tạo nhóm',
  'Create intermediate/boundary event': 'Tạo sự kiện trung gian',
  'Create pool/participant': 'Tạo bể/đơn vị tham gia',
  'Create start event': 'Tạo sự kiện bắt đầu',
  'Create task': 'Tạo tác vụ',
  'Create user task': 'Tạo bước xử lý của cán bộ',
  'Delete': 'Xóa',
  'Divide into three lanes': 'Chia thành ba làn',
  'Divide into two lanes': 'Chia thành hai làn',
  'General': 'Chung',
  'Name': 'Tên',
  'ID': 'Mã',
  'Documentation': 'Mô tả',
  'Element documentation': 'Mô tả phần tử',
  'Process documentation': 'Mô tả quy trình',
  'Process': 'Quy trình',
  'Process name': 'Tên quy trình',
  'Process ID': 'Mã quy trình',
  'Executable': 'Có thể thực thi',
  'Timer': 'Hẹn giờ',
  'Type': 'Loại',
  'Value': 'Giá trị',
  'Duration': 'Khoảng thời gian',
  'Date': 'Ngày',
  'Cycle': 'Chu kỳ',
  '<none>': '<không có>',
  'Multi-instance': 'Nhiều thể hiện',
  'Must be a valid ID.': 'Mã không hợp lệ.',
  'ID must not be empty.': 'Mã không được để trống.',
  'ID must be unique.': 'Mã phải là duy nhất.',
  'ID must not contain spaces.': 'Mã không được chứa dấu cách.',
  'ID must be a valid QName.': 'Mã phải là QName hợp lệ.',
  'Select an element to edit its properties.': 'Chọn một phần tử để sửa thuộc tính.',
  'Multiple elements are selected. Select a single one to edit its properties.':
    'Đang chọn nhiều phần tử. Hãy chọn một phần tử để sửa thuộc tính.',
  'User Task': 'Bước xử lý của cán bộ',
  'Task': 'Tác vụ',
  'Start Event': 'Sự kiện bắt đầu',
  'End Event': 'Sự kiện kết thúc',
  'Exclusive Gateway': 'Cổng rẽ nhánh',
  'Parallel Gateway': 'Cổng song song',
  'Inclusive Gateway': 'Cổng rẽ nhánh bao hàm',
  'Sequence Flow': 'Luồng',
  'Lane': 'Làn',
  'Participant': 'Đơn vị tham gia',
  'Intermediate Throw Event': 'Sự kiện trung gian',
  'Timer Intermediate Catch Event': 'Sự kiện hẹn giờ',
  'Timer Boundary Event': 'Sự kiện hẹn giờ biên',
  'Timer Boundary Event (Non Interrupting)': 'Sự kiện hẹn giờ biên (không ngắt)',
  'Text Annotation': 'Ghi chú',
  'Collaboration': 'Sơ đồ phối hợp',
};

export function makeTranslate(language) {
  const table = language && language.toLowerCase().startsWith('en') ? {} : VI;
  return function translate(template, replacements) {
    const text = Object.prototype.hasOwnProperty.call(table, template) ? table[template] : template;
    return text.replace(/{([^}]+)}/g, (_, key) =>
      replacements && key in replacements ? replacements[key] : `{${key}}`);
  };
}
